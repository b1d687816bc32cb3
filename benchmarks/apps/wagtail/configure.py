"""Set up a fresh `wagtail start` site for the benchmark (run once per installed version).

    python configure.py DATA_DIR

Adds a body to the home page and a simple "Standard page" type, turns off everything that
would reach the internet (gravatar, update check), then migrates and seeds a few pages,
users, images and documents. All content is small and generated here (no downloads).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SITE = "benchsite"

HOME_MODELS = '''from django.db import models

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class HomePage(Page):
    body = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]


class StandardPage(Page):
    intro = models.CharField(max_length=250, blank=True)
    body = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
'''

STANDARD_TEMPLATE = '''{% extends "base.html" %}
{% load wagtailcore_tags %}
{% block content %}
<h1>{{ page.title }}</h1>
<p>{{ page.intro }}</p>
{{ page.body|richtext }}
{% endblock %}
'''

EXTRA_SETTINGS = '''

# --- benchmark: offline, quiet admin ---
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILADMIN_BASE_URL = "http://127.0.0.1"
WAGTAIL_SITE_NAME = "Bench Site"
'''

SEED = r'''
import io
import datetime as dt
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection, Page
from home.models import HomePage, StandardPage

home = HomePage.objects.first()
home.body = "<p>Welcome to the Bench Site, a small Wagtail site used for testing.</p>"
home.save_revision().publish()

pages = [
    ("About us", "Who we are", "<p>We are a small team that writes about gardening.</p>"),
    ("Contact", "How to reach us", "<p>Write to hello@example.org.</p>"),
    ("Spring planting guide", "What to sow in March and April",
     "<p>Sow peas, broad beans and onions as soon as the soil warms up.</p>"),
    ("Composting basics", "Turn kitchen scraps into soil", "<p>Mix greens and browns.</p>"),
    ("Tomato troubles", "Blight, splitting and blossom end rot",
     "<p>Water evenly and give the plants air.</p>"),
]
for i, (title, intro, body) in enumerate(pages):
    page = StandardPage(title=title, intro=intro, body=body)
    home.add_child(instance=page)
    revision = page.save_revision()
    if i != 4:
        revision.publish()

root = Collection.get_first_root_node()
photos = root.add_child(name="Garden photos")
colours = [("Red tulips", (200, 40, 40)), ("Green lawn", (40, 160, 60)),
           ("Blue sky", (50, 110, 220)), ("Yellow sunflower", (230, 200, 30))]
for title, rgb in colours:
    buf = io.BytesIO()
    PILImage.new("RGB", (320, 200), rgb).save(buf, "PNG")
    name = title.lower().replace(" ", "-") + ".png"
    Image.objects.create(title=title, file=ImageFile(buf, name=name), collection=photos)

for title, text in [("Planting calendar", "Month by month."),
                    ("Seed order form", "Name, address, seeds."),
                    ("Volunteer handbook", "Welcome to the garden team.")]:
    Document.objects.create(title=title, file=ContentFile(text.encode(),
                            name=title.lower().replace(" ", "-") + ".txt"))

editors = Group.objects.get(name="Editors")
people = [("mary", "Mary", "Smith"), ("james", "James", "Johnson"),
          ("patricia", "Patricia", "Williams"), ("john", "John", "Brown"),
          ("linda", "Linda", "Jones")]
for username, first, last in people:
    user = User.objects.create_user(username, f"{username}@example.org", "garden-pass-1",
                                    first_name=first, last_name=last)
    user.groups.add(editors)
'''


def main() -> None:
    data = Path(sys.argv[1]).resolve()
    python = sys.executable
    bindir = Path(python).parent
    subprocess.run([str(bindir / "wagtail"), "start", SITE, str(data)], check=True)
    (data / "home" / "models.py").write_text(HOME_MODELS)
    (data / "home" / "templates" / "home" / "standard_page.html").write_text(STANDARD_TEMPLATE)
    with open(data / SITE / "settings" / "base.py", "a") as handle:
        handle.write(EXTRA_SETTINGS)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": f"{SITE}.settings.dev"}
    manage = [python, str(data / "manage.py")]
    for args in (["makemigrations", "home"], ["migrate", "--noinput"]):
        subprocess.run(manage + args, check=True, cwd=data, env=env)
    subprocess.run([*manage, "createsuperuser", "--noinput", "--username", "admin",
                    "--email", "admin@example.org"], check=True, cwd=data,
                   env={**env, "DJANGO_SUPERUSER_PASSWORD": "bench-admin-pass"})
    subprocess.run([*manage, "shell", "-c", SEED], check=True, cwd=data, env=env)


if __name__ == "__main__":
    main()
