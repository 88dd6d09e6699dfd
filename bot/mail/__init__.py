"""E-mail plumbing of the Jobcenter assistant (standard library only, no Rasa).

settings: SMTP, maildrop and limit configuration from the environment; compose: outgoing plain-text mails with
threading headers; smtp: sending with failures classified as transient or permanent; incoming: parsing received
mails into text, cleaned reply text and attachments (headers: single-line header values and the real sender
address; htmltext: HTML parts as text; limits: size, MIME depth and part limits); maildrop: a Maildir inbox
processed by workers, with a quarantine folder; auth: sender authentication and check tokens of case references.

This is the e-mail transport, below bot.outbound: it never imports bot.outbound. The e-mail channel itself (incoming
mails become answers and cases, agents' replies) is bot/channels/mail.py and bot/channels/mail_replies.py.
"""
