"""The Flask app: the v1 REST API now, the designer and cartable pages in later issues."""
