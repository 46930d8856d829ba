DROP TABLE award_products;
