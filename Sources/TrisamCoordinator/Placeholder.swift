// Placeholder: this module is being written (see its issue); replaced by its first real file.
