"""XML parsing that refuses entity expansion and external references (via defusedxml)."""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from paperbrief.errors import InputError


def parse_xml(text: str, origin: str) -> Element:
    """The root element of `text`; an InputError for invalid, truncated or unsafe XML."""
    try:
        return fromstring(text)
    except DefusedXmlException as exc:
        raise InputError(
            f"{origin}: XML refused: it declares entities or external references "
            f"({type(exc).__name__}), which paperbrief never expands"
        ) from None
    except ParseError as exc:
        raise InputError(f"{origin}: invalid or truncated XML: {exc}") from None


def local_name(tag: str) -> str:
    """'feed' for '{http://www.w3.org/2005/Atom}feed'."""
    return tag.rsplit("}", 1)[-1]


def child_text(element: Element, name: str) -> str:
    """Text of the first child with local name `name` (any namespace), '' if none."""
    for child in element:
        if local_name(child.tag) == name:
            return "".join(child.itertext())
    return ""


def children(element: Element, name: str) -> list[Element]:
    """Children with local name `name` (any namespace)."""
    return [child for child in element if local_name(child.tag) == name]
