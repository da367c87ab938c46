"""The popup's port form, in Chromium, without ever pointing the extension at 8765, where a
shopper's own companion may be running: the extension's copy here has the optional
http://127.0.0.1/* permission granted at install (headless Chromium cannot answer its prompt),
so a test companion on a free port can be saved as a user would save another port."""

import pytest

from .harness import free_port
from .harness import granted

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def module_browser(playwright_instance, chromium_path, site, tmp_path_factory):
    yield from granted(playwright_instance, chromium_path, site, tmp_path_factory.mktemp("port-form"), "optional_host_permissions")


def test_port_form_refuses_a_bad_port_and_saves_another(paired, companion):
    other = free_port()  # where nothing listens: the form must move the extension off it
    paired.set_storage({"port": other})
    popup = paired.open_popup()
    assert popup.input_value("#port") == str(other)
    popup.fill("#port", "80")
    popup.click("#save-port")
    popup.wait_for_selector("#port-result.error")
    assert paired.storage()["port"] == other  # refused: nothing saved
    popup.fill("#port", str(companion.port))
    popup.click("#save-port")
    popup.wait_for_selector(f"#port-result:not(.error):has-text('{companion.port}')")
    assert paired.storage()["port"] == companion.port
