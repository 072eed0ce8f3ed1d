//! posture's evaluation engine: streams an inventory through the selected
//! controls in parallel and rolls the evaluations up per control,
//! requirement, policy and mandate. Pure: no clock (it is passed in), no
//! network; it reads only the inventory stream it is handed.

mod error;
mod report;
mod rollup;
mod run;
mod selection;

pub use error::EngineError;
pub use report::{
    ControlResult, Counts, EvaluatedResource, Evaluation, PolicyResult, Report, RequirementResult,
    Summary,
};
pub use run::{Options, evaluate};
pub use selection::Selection;
