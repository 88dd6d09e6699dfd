"""E-mail plumbing of the Jobcenter assistant (standard library only, no Rasa).

settings: SMTP and maildrop configuration from the environment; compose: outgoing plain-text mails with
threading headers; smtp: sending with failures classified as transient or permanent; incoming: parsing received
mails into text, cleaned reply text and attachments; maildrop: a Maildir inbox processed by workers.
"""
