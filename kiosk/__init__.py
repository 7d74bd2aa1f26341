"""HeadEase kiosk: an offline, hands-free voice front end (see kiosk/README.md)."""
