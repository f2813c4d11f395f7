from pathlib import Path

import pytest

from bioreport_engine.errors import ConfigurationError, PermanentError
from bioreport_engine.storage import DocumentStore


@pytest.fixture
def store(tmp_path: Path) -> DocumentStore:
    root = tmp_path / "root"
    root.mkdir()
    (root / "in.pdf").write_bytes(b"%PDF")
    (tmp_path / "secret.pdf").write_bytes(b"outside")
    return DocumentStore(root)


def test_reads_a_file_under_the_root(store: DocumentStore) -> None:
    assert store.read("in.pdf", 1) == b"%PDF"


@pytest.mark.parametrize("path", ["../secret.pdf", "/etc/passwd", "a/../../secret.pdf"])
def test_paths_outside_the_root_fail_permanently(store: DocumentStore, path: str) -> None:
    with pytest.raises(PermanentError, match=r"document path outside storage root \(.*id=7\)"):
        store.read(path, 7)


def test_a_symlink_out_of_the_root_is_refused(store: DocumentStore) -> None:
    (store.root / "link.pdf").symlink_to(store.root.parent / "secret.pdf")
    with pytest.raises(PermanentError, match="outside storage root"):
        store.read("link.pdf", 7)


def test_a_missing_file_fails_with_a_clear_message_without_its_name(store: DocumentStore) -> None:
    with pytest.raises(PermanentError) as raised:
        store.read("Jane_Roe_labs.pdf", 7)
    assert str(raised.value) == (
        "document file not found under the storage root (uploaded_documents.id=7)"
    )


def test_save_copies_under_the_root(store: DocumentStore, tmp_path: Path) -> None:
    relative, size = store.save(tmp_path / "secret.pdf")
    assert size == 7 and store.read(relative, 1) == b"outside"
    assert not Path(relative).is_absolute()


def test_a_missing_root_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="DOCUMENTS_ROOT"):
        DocumentStore(tmp_path / "nope").check()
