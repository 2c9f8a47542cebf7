"""Small reusable widgets; they never touch the database."""
