"""Contacts from the Jobcenter to citizens who agreed to them: campaigns, delivery by e-mail and call.

config.py (content/outbound.yml), store.py (Redis records), campaigns.py (who gets what),
delivery.py (SMTP / AMI with allowed times and retries), worker.py (the process), __main__.py (command).
"""
