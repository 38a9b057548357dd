from newsdesk.federation.tests.fake_remote import remote, remote_key  # noqa: F401
