"""The handbook as the publishing stage reads it: its types, how it is built from
schema-valid documents, and the flow of a procedure's steps."""
