"""Notifications: a transactional outbox relayed by Celery to e-mail, WhatsApp/SMS and the inbox."""
