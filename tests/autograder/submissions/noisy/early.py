# Magics work as in Jupyter; plots go nowhere.
%matplotlib inline
import matplotlib.pyplot as plt

plt.plot([1, 2, 3])
plt.show()
%timeit -n 1 -r 1 sum(range(10))
