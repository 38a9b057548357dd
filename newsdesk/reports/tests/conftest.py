import pytest


@pytest.fixture(autouse=True)
def _reports_site(settings, tmp_path):
    """A site at news.example.org with its reports address, attachments in the test's tmp."""
    settings.SITE_URL = "https://news.example.org"
    settings.SITE_HOST = "news.example.org"
    settings.REPORTS_EMAIL = "reports@news.example.org"
    settings.REPORTS_ATTACHMENTS_DIR = tmp_path / "report-attachments"
    settings.INBOUND_MAIL_UNHANDLED_DIR = tmp_path / "unhandled"
