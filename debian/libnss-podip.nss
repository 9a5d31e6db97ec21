# Before resolve and dns: pod names are answered offline, and
# [NOTFOUND=return] keeps a pod name that does not exist (or has no address
# of the family asked) from leaking to DNS as a query. podip says NOTFOUND
# only for its own names; every other name goes on to the next source.
hosts before=resolve,dns podip [NOTFOUND=return]
