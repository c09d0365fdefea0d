"""`workbench serve`: the app in a web browser.

`address`: where it listens and what it says about it; `door`: who may open
it (the key in the printed address, this computer's names, this page's
origin, a cap on tabs); `server`: the web server, built on textual-serve.
"""
