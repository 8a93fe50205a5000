"""Every store has its own random id, kept for its life (secrets are keyed by it)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from commander.errors import StoreError
from commander.services.store_identity import store_id
from commander.store.engine import Store, open_store


def test_two_new_stores_have_different_ids(tmp_path: Path) -> None:
    first = open_store(str(tmp_path / "a.sqlite"), create=True)
    second = open_store(str(tmp_path / "b.sqlite"), create=True)
    try:
        assert store_id(first) != store_id(second)
        assert len(store_id(first)) == 36
    finally:
        first.close()
        second.close()


def test_a_store_keeps_its_id_when_reopened_and_when_copied(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    store = open_store(str(path), create=True)
    made = store_id(store)
    store.close()
    shutil.copyfile(path, tmp_path / "copy.sqlite")
    again = open_store(str(path), create=False)
    copy = open_store(str(tmp_path / "copy.sqlite"), create=False)
    try:
        assert store_id(again) == made
        assert store_id(copy) == made
    finally:
        again.close()
        copy.close()


def test_the_id_is_the_same_on_every_path_to_the_store(store: Store) -> None:
    other = open_store(store.url, create=False)
    try:
        assert store_id(other) == store_id(store)
    finally:
        other.close()


def test_a_hand_edited_identity_is_refused_not_guessed(db_path: Path) -> None:
    open_store(str(db_path), create=True).close()
    with sqlite3.connect(db_path) as connection:
        connection.execute("INSERT INTO store_identity VALUES ('x', '2026-01-01 00:00:00')")
    store = open_store(str(db_path), create=False)
    try:
        with pytest.raises(StoreError, match="identity is damaged"):
            store_id(store)
    finally:
        store.close()
