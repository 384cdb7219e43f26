W2422asian
r a BC-10ThingstoKnow-Today     09-04 0813
^BC-10 Things to Know-Today,364<
^10 Things to Know for Today<
^Among 10 Things to Know: Bahamians begin rescues as Dorian moves on toward US coast; Hong Kong withdraws contentious extradition bill; Defiant UK lawmakers move to bar 'no deal' Brexit<
^AP Photo XRE109, VLM126, LA219<
^Eds: With AP Photos.<
^By The Associated Press=
	   Your daily look at late-breaking news, upcoming events and the stories that will be talked about today:
 
	   1. BAHAMIANS BEGIN RESCUES AS DORIAN MOVES ON TOWARD US COAST 
	   Bahamians rescue hurricane victims with jet skis and a bulldozer as the U.S., Britain and aid groups try to get food and medicine to survivors and take the most desperate people to safety. 
 
	   2. HONG KONG EXTRADITION BILL WITHDRAWN 
	   The territory's embattled leader Carrie Lam announces the withdrawal of the bill that sparked months of protests. 
 
	   3. DEFIANT UK LAWMAKERS MOVE TO BAR 'NO DEAL' BREXIT 
	   Parliament will attempt to defy Prime Minister Boris Johnson's Brexit plans as lawmakers seek a way out of the impasse.
 
	   4. BURNING BOAT TAKES CLUES OF FATAL FIRE DOWN TO WATERY GRAVE 
	   Officials vow to find what sparked the inferno aboard the dive boat that killed 34 people in California, but evidence may have gone down with the ship or drifted out to sea.
 
	   5. PENTAGON SIDELINES BUILDING PROJECTS TO FUND WALL 
	   The Defense Department approves the use of $3.6 billion in funding from military construction projects to build 175 miles of Trump's wall along the Mexican border.
 
	   6. STUDY: CARVING UP SCHOOL DISTRICTS WORSENS SEGREGATION 
	   A new study finds that carving out new school districts in the South is reinforcing racial segregation in the larger districts left behind. 
 
	   7. PONTIFF EMBARKS ON SOUTHERN AFRICA PILGRIMAGE 
	   Pope Francis begins with a visit to Mozambique, just weeks after the country signed a new peace deal and weeks before national elections.
 
	   8. HOW WALMART WON PRAISE 
	   Gun control advocates laud the retailer's decision to discontinue sales of certain ammunition and request that customers no longer openly carry firearms in its stores. 
 
	   9. DEMOCRATS PROPOSE SPENDING TRILLIONS TO FIGHT CLIMATE CHANGE 
	   Democrats are releasing plans to battle global warming ahead of town halls on the issue, a sharp contrast to Trump's dismissal of climate science.
 
	   10. NEW TROVE OF EPSTEIN COURT PAPERS MAY BE UNSEALED 
	   A federal judge will discuss plans for unsealing a new trove of court records involving sexual abuse allegations against the financier who took his own life last month.
 

	   AP-WF-09-04-19 1029GMT<


