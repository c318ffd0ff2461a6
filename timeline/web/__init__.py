"""The HTML pages' pure parts: the timeline drawing's layout and the pages' view models.

Templates live in `templates/`, styles and the one script in `static/`.
"""
