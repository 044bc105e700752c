"""Names of the delivery tasks, shared by the Celery wiring (routes) and the task module."""

#: one row per message: what releases before batch delivery published; still consumed
DELIVER = "notifications.deliver"
#: a list of row ids per message (NOTIFY_DELIVERY_BATCH), what the relay publishes now
DELIVER_BATCH = "notifications.deliver_batch"
#: the queue the delivery tasks are routed to (the relay looks at its length)
DELIVERY_QUEUE = "notifications"
