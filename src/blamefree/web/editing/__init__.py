"""The edit page's forms: the spec's sections as typed inputs, read back into the document."""
