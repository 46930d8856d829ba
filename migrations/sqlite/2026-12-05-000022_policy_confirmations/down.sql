DROP TABLE policy_confirmations;
