DROP TABLE batch_enterprises;
DROP TABLE batches;
DROP TABLE assignments;
DROP TABLE providers;
DROP TABLE enterprises;
