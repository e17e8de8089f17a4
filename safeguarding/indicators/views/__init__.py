"""The indicators app's pages, one module per feature, each with its own `urlpatterns`."""
