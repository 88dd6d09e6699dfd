"""`python -m bot.privacy`: see bot/privacy/duties.py."""

from bot.privacy.duties import main

if __name__ == "__main__":
    main()
