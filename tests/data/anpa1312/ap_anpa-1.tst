z6715-----
r z BC-BKN--Heat-Hawks 1stLd-Writethru   02-20 0500
^BC-BKN--Heat-Hawks, 1st Ld-Writethru,416< 
^Deng has 30 points, short-handed Heat beat Hawks 115-111< 
^AP Photo GATK105, GATK106, GATK103, GATK107, GATK104, GATK102< 
^Eds: Heat 115, Hawks 111. Updates. With AP Photos.< 
^Luol Deng scored 30 points and Josh McRoberts had 19 _ season highs for each player _ and the Miami Heat, playing without All-Stars Dwyane Wade and Chris Bosh, beat the Atlanta Hawks 115-111 on Friday night. Wade was ruled out about an hour before the game due to soreness in the back of his left knee.< 
^By CHARLES ODUM= 
^AP Sports Writer= 
	   ATLANTA (AP) _ Luol Deng scored 30 points and Josh McRoberts had 19 _ season highs for each player _ and the Miami Heat, playing without All-Stars Dwyane Wade and Chris Bosh, beat the Atlanta Hawks 115-111 on Friday night. 
	   Wade was ruled out about an hour before the game due to soreness in the back of his left knee, leaving the Heat with nine healthy players. 
	   Bosh is out indefinitely with a blood clot in his leg. Miami also was missing center Hassan Whiteside, who was suspended for one game. 
	   Jeff Teague led Atlanta with 23 points, and Kyle Korver had 18. 
	   Miami led 98-90 before the Hawks scored eight straight, including 3s from Korver and Teague, to tie it. Deng ended the run with a 3-pointer, and the Heat kept the lead from there. 
	   Deng had 11 rebounds, and McRoberts had 10 assists. 
	   Gerald Green, starting for Wade, had 14 points, and Justin Winslow had 13. 
	   Wade said he will have a MRI on the knee on Saturday. 
	   ``I gave it a couple days to see if it would go away,'' Wade said. ``It didn't, so I just want to go back and get another, second opinion. But it's nothing I'm overly concerned about. It's just some soreness I haven't felt in a while so I just want to make sure everything's good.'' 
	   The Heat traded center Chris Andersen and forward Jarnell Stokes this week. 
	   Miami led 48-39 before Atlanta closed the first half with a 13-4 run for a 52-all halftime tie. Mike Scott's 3-pointer bounced straight up off the rim and then through the net for the tying basket. 
	   Dennis Schroder's buzzer-beating 3-pointer to end the third period gave the Hawks an 81-79 lead. Atlanta scored the final seven points of the period. 
	   ___ 
	   TIP-INS 
	   Heat: The Heat won the season series 3-1. ... Amare Stoudemire had six points and six rebounds in his 11th start of the season. ... Whiteside was suspended one game without pay for throwing an elbow at San Antonio center Boban Marjanovic's head on Feb. 9. 
	   Hawks: G Kirk Hinrich, obtained from Chicago on Thursday, had his flight to Atlanta delayed Friday night. After taking a physical, Hinrich is expected to be in uniform on Saturday against the Bucks. ... Teague fouled out with 15 seconds remaining. ... Paul Millsap had 12 points and 13 rebounds. Dennis Schroder had 16 points, and Al Horford added 14. 
	   UP NEXT 
	   Heat: Host Washington on Saturday night. 
	   Hawks: Host Milwaukee on Saturday night. 

	   AP-WF-02-20-16 0337GMT<


