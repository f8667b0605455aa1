/* compare_cards.h - placeholder */
#ifndef CARCER_COMPARE_CARDS_H
#define CARCER_COMPARE_CARDS_H
#endif
