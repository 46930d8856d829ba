DROP TABLE finding_recoveries;
DROP TABLE findings;
