//! Resource configurations as CEL values that are cheap to copy.
//!
//! CEL's own map and list values copy their whole contents when cloned, and
//! the interpreter clones every element a comprehension visits (`rules.exists(
//! r, ...)`) and every variable it reads. Here objects and arrays are built
//! once per resource behind an `Arc`, so those clones are a reference count;
//! everything else (indexing, iteration, size, `in`, equality, type checks)
//! is delegated to CEL's own types.

use cel::common::traits::{Adder, Container, Indexer, Iterable, Sizer, Zeroer};
use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, CelUInt, Type,
};
use cel::common::value::{Builtin, BuiltinRef, Val};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// A JSON object as a shared CEL map.
#[derive(Debug, Clone)]
struct SharedMap(Arc<CelMap<'static>>);

/// A JSON array as a shared CEL list.
#[derive(Debug, Clone)]
struct SharedList(Arc<CelList<'static>>);

macro_rules! delegate_val {
    ($shared:ty, $inner:ty) => {
        impl Val for $shared {
            fn get_type(&self) -> &Type {
                self.0.get_type()
            }

            fn cel_type() -> &'static Type {
                <$inner as Val>::cel_type()
            }

            fn as_adder<'b, 'w>(&'b self) -> Option<&'b (dyn Adder + 'w)>
            where
                Self: 'w,
            {
                self.0.as_adder()
            }

            fn as_container(&self) -> Option<&dyn Container> {
                self.0.as_container()
            }

            fn as_indexer<'b, 'w>(&'b self) -> Option<&'b (dyn Indexer + 'w)>
            where
                Self: 'w,
            {
                self.0.as_indexer()
            }

            fn into_indexer<'w>(self: Box<Self>) -> Option<Box<dyn Indexer + 'w>>
            where
                Self: 'w,
            {
                Box::new((*self.0).clone()).into_indexer()
            }

            fn as_iterable<'b, 'w>(&'b self) -> Option<&'b (dyn Iterable + 'w)>
            where
                Self: 'w,
            {
                self.0.as_iterable()
            }

            fn as_sizer(&self) -> Option<&dyn Sizer> {
                self.0.as_sizer()
            }

            fn as_zeroer(&self) -> Option<&dyn Zeroer> {
                self.0.as_zeroer()
            }

            fn equals(&self, other: &dyn Val) -> bool {
                self.0.equals(other)
            }

            fn clone_as_boxed<'w>(&self) -> Box<dyn Val + 'w>
            where
                Self: 'w,
            {
                Box::new(self.clone())
            }

            fn as_builtin<'b, 'w>(&'b self) -> BuiltinRef<'b, 'w>
            where
                Self: 'w,
            {
                self.0.as_builtin()
            }

            fn into_builtin<'w>(self: Box<Self>) -> Option<Builtin<'w>>
            where
                Self: 'w,
            {
                Box::new((*self.0).clone()).into_builtin()
            }
        }
    };
}

delegate_val!(SharedMap, CelMap<'static>);
delegate_val!(SharedList, CelList<'static>);

/// Converts JSON to a CEL value: integers become `int` (CEL's default
/// integer type, so `resource.port == 22` compares like with like), and only
/// integers beyond `i64` become `uint`.
pub fn json_to_val(value: &serde_json::Value) -> Box<dyn Val> {
    match value {
        serde_json::Value::Null => Box::new(CelNull),
        serde_json::Value::Bool(b) => Box::new(CelBool::from(*b)),
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Box::new(CelInt::from(i)),
            (None, Some(u)) => Box::new(CelUInt::from(u)),
            _ => Box::new(CelDouble::from(n.as_f64().unwrap_or(f64::NAN))),
        },
        serde_json::Value::String(s) => Box::new(CelString::from(s.clone())),
        serde_json::Value::Array(items) => {
            let list: Vec<Box<dyn Val>> = items.iter().map(json_to_val).collect();
            Box::new(SharedList(Arc::new(CelList::from(list))))
        }
        serde_json::Value::Object(map) => object_to_val(map, None),
    }
}

/// Converts an object, or only its `fields` when given.
pub fn object_to_val(
    map: &serde_json::Map<String, serde_json::Value>,
    fields: Option<&BTreeSet<String>>,
) -> Box<dyn Val> {
    let entries: HashMap<CelMapKey<'static>, Box<dyn Val>> = match fields {
        None => map
            .iter()
            .map(|(k, v)| (CelMapKey::from(k.clone()), json_to_val(v)))
            .collect(),
        Some(fields) => fields
            .iter()
            .filter_map(|k| {
                map.get(k)
                    .map(|v| (CelMapKey::from(k.clone()), json_to_val(v)))
            })
            .collect(),
    };
    Box::new(SharedMap(Arc::new(CelMap::from(entries))))
}
