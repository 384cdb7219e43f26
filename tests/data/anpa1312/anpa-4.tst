V4644-----
r e AP-Top-Entertainment-Hea     02-09 0121
^*9006< ^AP-Top-Entertainment-Headlines,0176<
^AP Top Entertainment News at 11:23 p.m. EST<
^Ex-bodyguard testifies about lewd messages sent to Paltrow
^Police: Jay Cutler's brother-in-law death was accidental
^Stage version of 'Frozen' to be directed by Broadway veteran
^Nielsen's top programs for Feb. 1-7
^Sports costs at ESPN weigh down Disney's Force-ful quarter
^Judge, not armchair 'Serial' detectives, to decide retrial
^LL Cool J learns family secret in 'Finding Your Roots'
^Cosby's ex-lawyer dismissed from lawsuit
^Former NYC Ballet principal dancer Violette Verdy, 82, dies
^Martin Shkreli sued by artist over Wu-Tang Clan album

	   AP-WF-02-10-16 0423GMT<


