s0284-----
r s BC-BBO--WildCardGlance     08-18 
^BC-BBO--Wild Card Glance<
^Wild Card Glance=
^All Times EDT=
^By The Associated Press=
^AMERICAN LEAGUE=
^ W   L   Pct   WCGB
Tampa Bay 73  52  .584   _
Cleveland 73  51  .589   _
Oakland 71  52  .577   1
Boston 66  59  .528   7
Los Angeles 61  64  .488 12
Texas 60  63  .488 12
Chicago 55  67  .451  16{
Seattle 52  73  .416 21
Toronto 52  75  .409 22
Kansas City 44  79  .358 28
Baltimore 39  84  .317 33
Detroit 37  84  .306 34
	   ___=
^Saturday's Games=
	   N.Y. Yankees 6, Cleveland 5
	   Seattle 4, Toronto 3
	   Oakland 8, Houston 4
	   Tampa Bay 1, Detroit 0, 13 innings
	   N.Y. Mets 4, Kansas City 1
	   Boston 4, Baltimore 0
	   Minnesota 12, Texas 7
	   L.A. Angels 6, Chicago White Sox 5
^Sunday's Games=
	   Tampa Bay 5, Detroit 4
	   Seattle 7, Toronto 0
	   Baltimore at Boston, 1:05 p.m.
	   Cleveland at N.Y. Yankees, 1:05 p.m.
	   N.Y. Mets at Kansas City, 2:15 p.m.
	   Minnesota at Texas, 3:05 p.m.
	   Chicago White Sox at L.A. Angels, 4:07 p.m.
	   Houston at Oakland, 4:07 p.m.
^Monday's Games=
	   Kansas City (López 1-7) at Baltimore (Means 8-8), 7:05 p.m.
	   Seattle (Gonzales 12-10) at Tampa Bay (McKay 2-2), 7:10 p.m.
	   L.A. Angels (Peters 3-1) at Texas (Allard 1-0), 8:05 p.m.
	   Chicago White Sox (Nova 8-9) at Minnesota (Gibson 11-5), 8:10 p.m.
	   Detroit (Jackson 3-5) at Houston (Cole 14-5), 8:10 p.m.
^Tuesday's Games=
	   L.A. Angels at Texas, ppd., 2nd game
	   Kansas City at Baltimore, 7:05 p.m.
	   Cleveland at N.Y. Mets, 7:10 p.m.
	   Philadelphia at Boston, 7:10 p.m.
	   Seattle at Tampa Bay, 7:10 p.m.
	   L.A. Angels at Texas, 8:05 p.m., 1st game
	   Chicago White Sox at Minnesota, 8:10 p.m.
	   Detroit at Houston, 8:10 p.m.
	   N.Y. Yankees at Oakland, 10:07 p.m.
	   Toronto at L.A. Dodgers, 10:10 p.m.
	   ___=
^NATIONAL LEAGUE=
^ W   L   Pct   WCGB
Washington 66  56  .541   _
Chicago 65  58  .528   _
Milwaukee 64  59  .520   1
Philadelphia 64  59  .520   1
San Francisco 63  61  .508   2{
New York 63  60  .512   2
Arizona 61  63  .492   4{
Cincinnati 58  65  .472   7
San Diego 57  65  .467   7{
Colorado 56  67  .455   9
Pittsburgh 51  71  .418  13{
Miami 45  77  .369  19{
	   ___=
^Saturday's Games=
	   Chicago Cubs 2, Pittsburgh 0
	   Cincinnati 6, St. Louis 1
	   N.Y. Mets 4, Kansas City 1
	   San Diego 5, Philadelphia 3
	   Colorado 11, Miami 4
	   San Francisco 11, Arizona 6
	   Milwaukee 15, Washington 14, 14 innings
^Sunday's Games=
	   St. Louis 5, Cincinnati 4
	   San Diego at Philadelphia, 1:05 p.m.
	   Milwaukee at Washington, 1:35 p.m.
	   N.Y. Mets at Kansas City, 2:15 p.m.
	   Miami at Colorado, 3:10 p.m.
	   San Francisco at Arizona, 4:10 p.m.
	   Chicago Cubs at Pittsburgh, 7:10 p.m.
^Monday's Games=
	   Washington (Ross 3-3) at Pittsburgh (Williams 5-5), 7:05 p.m.
	   San Diego (Lauer 6-8) at Cincinnati (Bauer 10-9), 7:10 p.m.
	   Milwaukee (Davies 8-5) at St. Louis (Hudson 11-6), 7:45 p.m.
	   Colorado (Freeland 3-10) at Arizona (Gallen 2-3), 9:40 p.m.
^Tuesday's Games=
	   Washington at Pittsburgh, 7:05 p.m.
	   Cleveland at N.Y. Mets, 7:10 p.m.
	   Philadelphia at Boston, 7:10 p.m.
	   San Diego at Cincinnati, 7:10 p.m.
	   Miami at Atlanta, 7:20 p.m.
	   Milwaukee at St. Louis, 7:45 p.m.
	   San Francisco at Chicago Cubs, 8:05 p.m.
	   Colorado at Arizona, 9:40 p.m.
	   Toronto at L.A. Dodgers, 10:10 p.m.
	   ___=

	   AP-WF-08-18-19 2017GMT<


