"""The consumer's side of a bottle: the standard chain bottled into one
product lot (`bottled`), the addresses of its bottles, and the scans they
counted."""

import io
from dataclasses import dataclass

import pytest
from sqlmodel import select

from oilchain import codes
from oilchain.auth.models import Organization
from oilchain.processing.models import ProductLot
from oilchain.public.models import SerialScan
from oilchain.public.scan import FastScans

from .. import chain
from ..chain import db_session

KEY = "test-serial-key"  # the app fixture's SERIAL_KEY


@dataclass
class Bottled:
    built: chain.Chain
    gtin: str
    lot: str
    first: int  # the lot's serial range
    last: int

    def bottle(self, number: int) -> str:
        return f"/01/{self.gtin}/10/{self.lot}/21/{codes.serial_text(KEY, self.gtin, self.lot, number)}"

    @property
    def lot_path(self) -> str:
        return f"/01/{self.gtin}/10/{self.lot}"

    @property
    def product_path(self) -> str:
        return f"/01/{self.gtin}"


@pytest.fixture
def bottled(app, world) -> Bottled:
    """The standard chain, bottled into one product lot."""
    with db_session(app) as session:
        built = chain.full_chain(session, world)
        serials = session.get(ProductLot, built.product_lot.id)
        return Bottled(built, built.product.gtin, built.product_lot.code, serials.serial_first, serials.serial_last)


def scans(app) -> list[tuple[int, int]]:
    """(serial, count) of every bottle scanned, in serial order."""
    with db_session(app) as session:
        return [(scan.serial, scan.count) for scan in session.exec(select(SerialScan).order_by(SerialScan.serial))]


def environ(address: str, query: str = "", cookie: str = "", method: str = "GET", remote: str | None = None) -> dict:
    """A WSGI request for `address` as FastScans sees it (`remote`: REMOTE_ADDR, none by default)."""
    env = {"REQUEST_METHOD": method, "PATH_INFO": address, "QUERY_STRING": query, "SERVER_NAME": "localhost",
           "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO()}
    if cookie:
        env["HTTP_COOKIE"] = cookie
    if remote:
        env["REMOTE_ADDR"] = remote
    return env


@pytest.fixture
def fast(app) -> FastScans:
    assert isinstance(app.wsgi_app, FastScans)
    return app.wsgi_app


@pytest.fixture
def contacts(app, world, bottled):
    """The bottled lot, its producer's phone and address and the bureau's hotline set."""
    with db_session(app) as session:
        producer = session.get(Organization, bottled.built.product.org_id)
        producer.phone, producer.address = "023-7555 1234", "重庆市酉阳县桃花源街道民族路18号"
        session.get(Organization, world.orgs["bureau"].id).phone = "023-7555 0110"
        session.commit()
    return bottled
