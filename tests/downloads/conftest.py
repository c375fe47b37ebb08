import pytest
from sqlmodel import select

from oilchain.downloads.models import DocumentJob
from oilchain.processing.models import ProductLot

from .. import chain
from ..chain import db_session


@pytest.fixture
def bottled(app, world):
    """The standard chain (1,000 bottles): (lot code, first serial, last serial)."""
    with db_session(app) as session:
        built = chain.full_chain(session, world)
        serials = session.get(ProductLot, built.product_lot.id)
        return built.product_lot.code, serials.serial_first, serials.serial_last


def all_jobs(app) -> list[DocumentJob]:
    with db_session(app) as session:
        return list(session.exec(select(DocumentJob).order_by(DocumentJob.id)))
