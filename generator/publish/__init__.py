"""`chamber publish`: a built site sent to where it is served (a folder, an SFTP server, S3-compatible object
storage), only what changed, in an order that never leaves readers a half site."""
