"""The web pages: server-rendered Chinese pages for the people who appraise, on top of the
same service layer the API uses (no scoring logic here). `install(app)` adds them."""

from .mount import install

__all__ = ["install"]
