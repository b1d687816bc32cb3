"""A small blog admin built only from stock Flask-Admin ModelViews (no custom templates).

    python blogadmin.py seed DATA_DIR     # create DATA_DIR/blog.db with the seed rows
    python blogadmin.py serve DATA_DIR PORT

Works with Flask-Admin 1.6 (Bootstrap 3 templates) and 2.x (Bootstrap 4).
Seed data: user names are the top US census names shipped in the `names` PyPI package;
post titles are the aphorisms of The Zen of Python (the stdlib `this` module).
"""

from __future__ import annotations

import codecs
import datetime as dt
import os
import sys
from pathlib import Path
from typing import ClassVar

import flask_admin
from flask import Flask, flash, redirect
from flask_admin.actions import action
from flask_admin.contrib.sqla import ModelView
from flask_sqlalchemy import SQLAlchemy

HERE = Path(__file__).resolve().parent
db = SQLAlchemy()

ROLES = ("Admin", "Editor", "Author", "Reader")

post_tags = db.Table(
    "post_tags",
    db.Column("post_id", db.Integer, db.ForeignKey("post.id"), primary_key=True),
    db.Column("tag_id", db.Integer, db.ForeignKey("tag.id"), primary_key=True),
)


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    first_name = db.Column(db.String(60), nullable=False)
    last_name = db.Column(db.String(60), nullable=False)
    email = db.Column(db.String(120), unique=True, nullable=False)
    role = db.Column(db.Enum(*ROLES, name="role"), nullable=False, default="Reader")
    is_active = db.Column(db.Boolean, nullable=False, default=True)
    joined = db.Column(db.Date)
    bio = db.Column(db.Text)
    posts = db.relationship("Post", back_populates="author")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(40), unique=True, nullable=False)

    def __str__(self) -> str:
        return self.name


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    body = db.Column(db.Text)
    published = db.Column(db.Boolean, nullable=False, default=False)
    published_on = db.Column(db.Date)
    author_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    author = db.relationship("User", back_populates="posts")
    tags = db.relationship("Tag", secondary=post_tags, backref="posts")

    def __str__(self) -> str:
        return self.title


class UserView(ModelView):
    can_view_details = True
    page_size = 20
    column_list = ("first_name", "last_name", "email", "role", "is_active", "joined")
    column_searchable_list = ("first_name", "last_name", "email")
    column_filters = ("role", "is_active", "joined", "last_name")
    column_sortable_list = ("first_name", "last_name", "email", "role", "joined")
    column_default_sort = "id"
    column_labels: ClassVar = {"is_active": "Active", "joined": "Joined"}
    form_columns = ("first_name", "last_name", "email", "role", "is_active", "joined", "bio")
    column_details_list = ("first_name", "last_name", "email", "role", "is_active", "joined",
                           "bio", "posts")
    extra_js: ClassVar = ["/static/confirm.js"]

    @action("deactivate", "Deactivate")
    def action_deactivate(self, ids):
        users = User.query.filter(User.id.in_([int(i) for i in ids])).all()
        for user in users:
            user.is_active = False
        db.session.commit()
        flash(f"{len(users)} users were deactivated.", "success")


class PostView(ModelView):
    can_view_details = True
    page_size = 10
    column_list = ("title", "author", "published", "published_on", "tags")
    column_searchable_list = ("title", "body")
    column_filters = ("published", "published_on", "author.last_name", "tags.name")
    column_sortable_list = ("title", "published", "published_on")
    column_default_sort = "id"
    column_labels: ClassVar = {"published_on": "Published on", "author.last_name": "Author last name",
                     "tags.name": "Tag"}
    form_columns = ("title", "author", "body", "published", "published_on", "tags")
    extra_js: ClassVar = ["/static/confirm.js"]

    @action("publish", "Publish")
    def action_publish(self, ids):
        posts = Post.query.filter(Post.id.in_([int(i) for i in ids])).all()
        for post in posts:
            post.published = True
            post.published_on = post.published_on or dt.date(2024, 6, 1)
        db.session.commit()
        flash(f"{len(posts)} posts were published.", "success")


class TagView(ModelView):
    can_view_details = True
    column_searchable_list = ("name",)
    column_filters = ("name",)
    extra_js: ClassVar = ["/static/confirm.js"]


def create_app(data: Path) -> Flask:
    app = Flask(__name__, static_folder=str(HERE / "static"))
    app.config.update(
        SECRET_KEY="bench-not-secret",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{data / 'blog.db'}",
        SQLALCHEMY_TRACK_MODIFICATIONS=False,
    )
    db.init_app(app)
    major = int(flask_admin.__version__.split(".")[0])
    if major >= 2:
        from flask_admin.theme import Bootstrap4Theme
        admin = flask_admin.Admin(app, name="Blog Admin", url="/admin",
                                  theme=Bootstrap4Theme(swatch="default"))
    else:
        admin = flask_admin.Admin(app, name="Blog Admin", url="/admin",
                                  template_mode="bootstrap3")
    admin.add_view(UserView(User, db.session, name="Users"))
    admin.add_view(PostView(Post, db.session, name="Posts"))
    admin.add_view(TagView(Tag, db.session, name="Tags"))

    @app.route("/")
    def index():
        return redirect("/admin/")

    return app


def _census(name: str, count: int) -> list[str]:
    import names  # the `names` package ships the 1990 US census name lists

    path = Path(names.__file__).parent / name
    with open(path) as handle:
        return [line.split()[0].title() for _, line in zip(range(count), handle, strict=False)]


def _zen() -> list[str]:
    import this

    text = codecs.decode(this.s, "rot13")
    return [line.strip() for line in text.splitlines()[2:] if line.strip()]


TAG_WORDS = {
    "style": ("beautiful", "ugly", "flat", "nested", "sparse", "dense", "readability"),
    "design": ("simple", "complex", "complicated", "implementation", "namespaces", "obvious"),
    "errors": ("errors", "silenced", "ambiguity", "guess"),
    "rules": ("special", "rules", "practicality", "purity"),
    "time": ("now", "never"),
}


def seed(data: Path) -> None:
    data.mkdir(parents=True, exist_ok=True)
    app = create_app(data)
    women, men = _census("dist.female.first", 18), _census("dist.male.first", 18)
    last = _census("dist.all.last", 36)
    with app.app_context():
        db.drop_all()
        db.create_all()
        tags = {name: Tag(name=name) for name in (*TAG_WORDS, "python")}
        db.session.add_all(tags.values())
        users = []
        for i in range(36):
            first = (women, men)[i % 2][i // 2]
            users.append(User(
                first_name=first, last_name=last[i],
                email=f"{first.lower()}.{last[i].lower()}@example.org",
                role=ROLES[i % 7 % 4] if i else "Admin",
                is_active=i % 5 != 4,
                joined=dt.date(2020, 1, 6) + dt.timedelta(days=41 * i),
                bio=f"{first} writes about Python." if i % 3 == 0 else None,
            ))
        db.session.add_all(users)
        for i, line in enumerate(_zen()):
            words = line.lower()
            post_tags_ = [tags[t] for t, keys in TAG_WORDS.items()
                          if any(k in words for k in keys)]
            db.session.add(Post(
                title=line, body=f"Aphorism {i + 1} of The Zen of Python, by Tim Peters.",
                published=i % 3 != 2,
                published_on=dt.date(2023, 1, 9) + dt.timedelta(days=17 * i) if i % 3 != 2 else None,
                author=users[(i * 5) % 36],
                tags=[tags["python"], *post_tags_],
            ))
        db.session.commit()


if __name__ == "__main__":
    command, folder = sys.argv[1], Path(sys.argv[2])
    if command == "seed":
        seed(folder)
    else:
        os.chdir(folder)
        create_app(folder).run(host="127.0.0.1", port=int(sys.argv[3]), debug=False,
                               use_reloader=False)
