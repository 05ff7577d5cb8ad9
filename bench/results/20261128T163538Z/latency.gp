set terminal pngcairo size 1100,650 font "sans,10"
set output 'latency.png'
set title "Fan-out latency vs offered rate (1000 clients, 10 rooms of 100; median over repeats)"
set xlabel "offered messages/s (each delivered to 100 clients)"
set ylabel "latency send -> receipt, ms"
set logscale xy
set grid
set key top left
set yrange [0.1:*]
set arrow from graph 0, first 100 to graph 1, first 100 nohead dt 3 lc rgb 'gray'
plot 'latency.dat' index 0 using 1:3 with linespoints lw 2 pt 7 lc rgb '#c0392b' title 'chat-server, SQLite synchronous=FULL (durable) p99', \
  'latency.dat' index 0 using 1:2 with linespoints lw 1 dt 2 pt 6 lc rgb '#c0392b' title 'chat p50', \
  'latency.dat' index 1 using 1:3 with linespoints lw 2 pt 7 lc rgb '#e67e22' title 'chat-server, SQLite synchronous=NORMAL p99', \
  'latency.dat' index 1 using 1:2 with linespoints lw 1 dt 2 pt 6 lc rgb '#e67e22' title 'chat-normal p50', \
  'latency.dat' index 2 using 1:3 with linespoints lw 2 pt 7 lc rgb '#2c7bb6' title 'Node socket.io 4.8.4 (in memory) p99', \
  'latency.dat' index 2 using 1:2 with linespoints lw 1 dt 2 pt 6 lc rgb '#2c7bb6' title 'node p50', \
  'latency.dat' index 3 using 1:3 with linespoints lw 2 pt 7 lc rgb '#1a9641' title 'Flask-SocketIO 5.3.2 + eventlet (in memory) p99', \
  'latency.dat' index 3 using 1:2 with linespoints lw 1 dt 2 pt 6 lc rgb '#1a9641' title 'flask p50'
