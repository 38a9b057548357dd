"""Two articles on the same topic, written independently, and a paragraph of new text."""

BUDGET = """\
## A budget after a long night

The city council approved next year's budget shortly after midnight, ending a session that had
started at four in the afternoon. Forty-one members voted in favour, twelve against, and three
abstained after the finance committee agreed to move two million euros from road repairs to the
renovation of primary schools.

The mayor called the result a compromise that nobody loved but everybody could live with. The
opposition had demanded that the swimming pool in the northern district stay open for another
five years, and the final text now promises a review of its operating costs before any decision
about closing it is taken.

## What changes for residents

Fees for waste collection rise by three percent, the first increase since the new contract with
the regional operator was signed. Parking in the old town becomes more expensive on weekdays,
while the first hour on Saturdays remains free to support the market traders around the square.

The library keeps its extended opening hours, which had been at risk in the first draft. Sports
clubs receive the same grants as last year, but they must now apply for them online before the
end of March, and the sports office will publish the list of recipients in the summer.

## What comes next

The regional authority has to confirm the budget before the end of January. Until then the city
may only spend money on obligations it has already entered into, such as salaries, running
contracts and the repayment of existing loans.
"""

BUDGET_ELSEWHERE = """\
## Council passes spending plan

Councillors in the neighbouring town adopted their spending plan for the coming year on Tuesday
evening with a narrow majority of two votes. The treasurer warned that rising energy prices will
eat into reserves unless the heating systems in municipal buildings are replaced soon.

Most of the debate concerned the bus network. Two rural lines will run every hour instead of every
two hours from the spring, paid for by a grant from the state transport ministry that covers
half of the additional cost for three years.

## Taxes and fees

Property tax stays unchanged for the fourth year in a row. Residents will pay a little more for
water because the treatment plant needs new filters, and the fee for a resident parking permit
doubles, which the council justified with the cost of enforcing the rules in the centre.

A proposal to sell the former fire station to a private developer was postponed. Several
councillors asked for a public consultation first, since residents had suggested turning the
building into a youth centre with rehearsal rooms for local bands and a small cafe.

## Reactions

The chamber of commerce welcomed the decision to keep business taxes stable, while the tenants'
association criticised the parking fees as a burden on families without a garage of their own.
"""

NEW_PARAGRAPHS = """\
## A view from the square

Traders at the Saturday market said they were relieved that the free first hour survives. One of
them, who has sold vegetables on the square for twenty years, said that many of her older
customers drive in from the villages and would otherwise shop at the supermarket on the ring
road instead. Several cafe owners had collected signatures for the same demand and handed them
to the mayor before the session began on Monday afternoon.
"""
