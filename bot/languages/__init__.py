"""Serving citizens in their language: which language a conversation is in, and the texts in it.

- `context`: the language of the conversation being answered (a context variable the action server sets
  from the `language` slot); everything that reads content reads it in that language.
- `registry`: the supported languages (content/languages/languages.yml) and each language's translations
  (content/languages/<code>.yml: text per key, review status, the assistant's own lines in it).
- `localize`: content objects (answers, texts, declarations, safety answers) with every translated text in
  place; a text without translation stays German (the output then says so, `output`).
- `detect`: the language of one message (lingua, restricted to the supported set) and the rule that keeps
  the conversation's language for short or unclear messages, plus explicit requests ("english please").
- `policy`: the Rasa policy that sets the `language` slot on every citizen message.
- `output`: what goes out: the line "not yet translated" before a German text in another conversation.
"""
