//! Host FIDL runtime (wire format v2). See CODEGEN.md for the contract with generated code.
