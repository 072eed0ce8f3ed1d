//! CEL expressions: compiled once at load, with the resource field paths
//! they read extracted from the syntax tree for the linter.

use cel::Program;
use cel::common::ast::{CallExpr, Expr as Node, IdedExpr};
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;

/// The variables a check may read; see `docs/catalog.md`.
pub const VARIABLES: [&str; 7] = ["resource", "name", "id", "region", "account", "tags", "now"];

/// A compiled CEL expression.
#[derive(Clone)]
pub struct Expr {
    source: String,
    program: Arc<Program>,
    paths: Vec<String>,
    unknown_variables: Vec<String>,
    reads_whole_resource: bool,
}

impl fmt::Debug for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Expr").field(&self.source).finish()
    }
}

impl Expr {
    /// Compiles `source`; the error is CEL's message, with a caret under the
    /// offending position.
    pub fn compile(source: &str) -> Result<Expr, String> {
        let program = Program::compile(source).map_err(|e| e.to_string())?;
        let mut walker = PathWalker::default();
        walker.walk(program.expression(), &HashMap::new());
        Ok(Expr {
            source: source.to_owned(),
            paths: walker.paths.into_iter().collect(),
            unknown_variables: walker.unknown.into_iter().collect(),
            reads_whole_resource: walker.whole,
            program: Arc::new(program),
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The `resource` field paths read, e.g. `versioning.status`, `grants[].permission`.
    pub fn paths(&self) -> &[String] {
        &self.paths
    }

    /// The top-level `resource` fields read, or `None` when the expression
    /// uses the whole `resource` value (e.g. `size(resource)`).
    pub fn top_level_fields(&self) -> Option<BTreeSet<&str>> {
        if self.reads_whole_resource {
            return None;
        }
        Some(
            self.paths
                .iter()
                .map(|p| p.split(['.', '[']).next().unwrap_or(p))
                .collect(),
        )
    }

    /// Identifiers that are neither check variables nor macro variables.
    pub fn unknown_variables(&self) -> &[String] {
        &self.unknown_variables
    }
}

/// What an identifier bound by a comprehension stands for.
#[derive(Clone)]
enum Binding {
    /// An element of the list at this path (`grants[]`).
    Path(String),
    /// Anything else (an accumulator, a map key, a computed list's element).
    Opaque,
}

#[derive(Default)]
struct PathWalker {
    paths: BTreeSet<String>,
    unknown: BTreeSet<String>,
    /// The bare `resource` is used as a value (not only its fields).
    whole: bool,
}

fn join(base: &str, field: &str) -> String {
    if base.is_empty() {
        field.to_owned()
    } else {
        format!("{base}.{field}")
    }
}

impl PathWalker {
    /// Walks a node whose value is used as a whole (an argument, an
    /// operand): if it is the bare `resource`, every field may be read.
    fn use_value(&mut self, node: &IdedExpr, scope: &HashMap<String, Binding>) {
        if self.walk(node, scope).as_deref() == Some("") {
            self.whole = true;
        }
    }

    /// Walks `node`, recording the paths it reads; returns the path `node`
    /// itself denotes, if it is a (part of a) resource field path.
    fn walk(&mut self, node: &IdedExpr, scope: &HashMap<String, Binding>) -> Option<String> {
        match &node.expr {
            Node::Ident(name) => match scope.get(name) {
                Some(Binding::Path(path)) => Some(path.clone()),
                Some(Binding::Opaque) => None,
                None if name == "resource" => Some(String::new()),
                None => {
                    if !VARIABLES.contains(&name.as_str()) {
                        self.unknown.insert(name.clone());
                    }
                    None
                }
            },
            Node::Select(select) => {
                let base = self.walk(&select.operand, scope)?;
                let path = join(&base, &select.field);
                self.paths.insert(path.clone());
                Some(path)
            }
            Node::Call(call) => self.walk_call(call, scope),
            Node::Comprehension(c) => {
                let range = self.walk(&c.iter_range, scope);
                self.whole |= range.as_deref() == Some("");
                let mut inner = scope.clone();
                let element = match range {
                    Some(path) if !path.is_empty() => Binding::Path(format!("{path}[]")),
                    _ => Binding::Opaque,
                };
                match &c.iter_var2 {
                    // Two-variable forms bind (index or key, value).
                    Some(second) => {
                        inner.insert(c.iter_var.clone(), Binding::Opaque);
                        inner.insert(second.clone(), element);
                    }
                    None => {
                        inner.insert(c.iter_var.clone(), element);
                    }
                }
                inner.insert(c.accu_var.clone(), Binding::Opaque);
                self.use_value(&c.accu_init, scope);
                for part in [&c.loop_cond, &c.loop_step, &c.result] {
                    self.use_value(part, &inner);
                }
                None
            }
            Node::List(list) => {
                for element in &list.elements {
                    self.use_value(element, scope);
                }
                None
            }
            Node::Map(map) => {
                for entry in &map.entries {
                    if let cel::common::ast::EntryExpr::MapEntry(e) = &entry.expr {
                        self.use_value(&e.key, scope);
                        self.use_value(&e.value, scope);
                    }
                }
                None
            }
            _ => None,
        }
    }

    fn walk_call(&mut self, call: &CallExpr, scope: &HashMap<String, Binding>) -> Option<String> {
        if call.func_name == "_[_]" && call.args.len() == 2 {
            let base = self.walk(&call.args[0], scope);
            let key = &call.args[1];
            self.use_value(key, scope);
            let base = base?;
            let path = match &key.expr {
                Node::Literal(cel::common::ast::LiteralValue::String(s)) => join(&base, s.inner()),
                _ => format!("{base}[]"),
            };
            self.paths.insert(path.clone());
            return Some(path);
        }
        if let Some(target) = &call.target {
            self.use_value(target, scope);
        }
        for arg in &call.args {
            self.use_value(arg, scope);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(source: &str, expected_paths: &[&str]) {
        let expr = Expr::compile(source).expect("compiles");
        assert_eq!(expr.paths(), expected_paths, "{source}");
    }

    #[test]
    fn extracts_field_paths() {
        check(
            "resource.versioning.status == 'Enabled'",
            &["versioning", "versioning.status"],
        );
        check(
            "resource.grants.exists(g, g.grantee_uri != null && g.permission == 'READ')",
            &["grants", "grants[].grantee_uri", "grants[].permission"],
        );
        check(
            "resource.rules.all(r, r.ports.exists(p, p.from <= 22))",
            &["rules", "rules[].ports", "rules[].ports[].from"],
        );
        check(
            "resource.labels['team'] == 'x' && resource.list[0].a",
            &["labels", "labels.team", "list", "list[]", "list[].a"],
        );
        check("has(resource.logging) && tags.env == 'prod'", &["logging"]);
        check(
            "size(resource.keys.filter(k, k.active)) <= 1",
            &["keys", "keys[].active"],
        );
    }

    #[test]
    fn knows_which_top_level_fields_are_read() {
        let fields = |src: &str| {
            Expr::compile(src)
                .expect("compiles")
                .top_level_fields()
                .map(|f| f.into_iter().map(str::to_owned).collect::<Vec<_>>())
        };
        assert_eq!(
            fields("resource.a.b == 1 && resource.c.exists(x, x.d)"),
            Some(vec!["a".to_owned(), "c".to_owned()])
        );
        assert_eq!(fields("size(resource) > 0"), None);
        assert_eq!(fields("resource.exists(k, k == 'a')"), None);
        assert_eq!(fields("'a' in resource"), None);
        assert_eq!(fields("region == 'x'"), Some(vec![]));
    }

    #[test]
    fn reports_unknown_variables_and_syntax_errors() {
        let expr = Expr::compile("resourse.x == 1 && region == 'us-east-1'").expect("compiles");
        assert_eq!(expr.unknown_variables(), ["resourse"]);
        let err = Expr::compile("resource.x ==").expect_err("syntax error");
        assert!(err.contains("Syntax error"), "{err}");
    }
}
