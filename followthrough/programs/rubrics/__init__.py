"""Rubrics and role-plays of a program (issue 14): the default coaching-conversation rubric,
writing and copying rubrics, role-plays in a cohort, scoring them (facilitator, peer, self),
the side-by-side and calibration pages. The arithmetic is in programs.scoring."""
