"""NIK and KK are never stored in plaintext; exact look-ups work through the blind index."""

import sqlalchemy as sa

from app.common import pii
from app.extensions import db
from app.organizations.models import Person

NIK = "3603014708900001"
KK = "3603010101090007"


def test_nik_is_not_readable_in_a_raw_select(db_session):
    person = Person(full_name="Aminah")
    person.set_nik(NIK)
    person.set_kk(KK)
    db.session.add(person)
    db.session.commit()
    row = db.session.execute(sa.text("SELECT * FROM persons WHERE id = :id"), {"id": person.id})
    values = row.mappings().one()
    for value in values.values():
        text = value.hex() if isinstance(value, bytes | memoryview) else str(value)
        raw = bytes(value) if isinstance(value, bytes | memoryview) else b""
        assert NIK not in text and KK not in text
        assert NIK.encode() not in raw and KK.encode() not in raw


def test_blind_index_finds_the_person_and_decrypts(db_session):
    person = Person(full_name="Aminah")
    person.set_nik(NIK)
    db.session.add(person)
    db.session.commit()
    found = db.session.scalar(
        sa.select(Person).where(Person.nik_bidx == pii.blind_index(NIK, purpose="nik"))
    )
    assert found.id == person.id
    assert found.reveal_nik() == NIK


def test_ciphertexts_differ_for_the_same_value(db_session):
    a = pii.encrypt(NIK, purpose="nik")
    b = pii.encrypt(NIK, purpose="nik")
    assert a != b
    assert pii.decrypt(a, purpose="nik") == NIK


def test_ciphertext_is_bound_to_its_purpose(db_session):
    import pytest
    from cryptography.exceptions import InvalidTag

    blob = pii.encrypt(NIK, purpose="nik")
    with pytest.raises(InvalidTag):
        pii.decrypt(blob, purpose="kk")
