"""The demo: the stories Followthrough comes from, told through the app's own actions."""
