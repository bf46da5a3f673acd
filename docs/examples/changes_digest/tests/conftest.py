"""The fixtures are civic-bridge's test kit's (`bridge.testing`): see its documentation for
their names. Override `bridge_plugins` or `bridge_plugin_settings` here to change the app."""
