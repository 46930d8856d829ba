DROP TABLE payments;
DROP TABLE objections;
DROP TABLE notice_projects;
DROP TABLE notices;
DROP TABLE expenses;
DROP TABLE project_history;
DROP TABLE projects;
DROP TABLE diagnoses;
