import Testing
// Placeholder: replaced by the first real test file.
