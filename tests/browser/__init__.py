"""End-to-end tests of the browser extension in the system Chromium (marker ``browser``)."""
