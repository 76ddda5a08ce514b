"""The seven-haves (七有) report for the supervising office."""
