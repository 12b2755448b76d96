"""The desktop launcher, AppStream metainfo, MIME type and icons `lstm-inspector install-desktop` installs
(shipped inside the package, so that an installed wheel can install them too)."""
