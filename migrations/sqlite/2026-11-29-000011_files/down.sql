DROP TABLE stored_files;
