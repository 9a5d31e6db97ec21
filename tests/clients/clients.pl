# Perl's Socket::getaddrinfo, as a program would use it, for tests/clients.sh:
#   perl clients.pl NAME...   one line a name: "NAME ADDR,ADDR" or "NAME !error"
use strict;
use warnings;
use Socket qw(getaddrinfo getnameinfo SOCK_STREAM NI_NUMERICHOST NIx_NOSERV);

$| = 1;
for my $name (@ARGV) {
    my ($err, @res) = getaddrinfo($name, "", { socktype => SOCK_STREAM });
    if ($err) {
        print "$name !$err\n";
        next;
    }
    my @seen;
    for my $r (@res) {
        my ($e, $host) = getnameinfo($r->{addr}, NI_NUMERICHOST, NIx_NOSERV);
        push @seen, $host unless grep { $_ eq $host } @seen;
    }
    print "$name ", join(",", @seen), "\n";
}
