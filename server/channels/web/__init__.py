"""The web chat: `routes.py` (POST /chat/messages and the late answers), `wire.py` (the JSON of Rasa's REST
channel) and `page.py` (the chat page at / and /start/{invite_code}; its script is server/static/chat.js)."""
